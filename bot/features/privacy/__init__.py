"""Privacy commands: /privacy consent, /mydata, /forget."""
