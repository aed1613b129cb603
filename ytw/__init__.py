"""``ytw``, the command line of tubewarehouse: see ``ytw/README.md``."""
