"""Where the reference lists shipped with dedupe (nicknames, free-mail domains) are read from."""

from importlib import resources

_DATA = resources.files("dedupe").joinpath("data")  # the reference lists shipped with dedupe
