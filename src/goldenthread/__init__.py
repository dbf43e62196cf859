"""goldenthread: a health body's business plan held as data, and the year run against it."""

__version__ = "0.1.0"
