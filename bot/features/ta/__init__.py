"""Technical analysis: /ta, /chart, /levels and their natural phrasing."""
