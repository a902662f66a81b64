"""qbot: answers questions about a school's annual education-quality report."""

__version__ = "0.1.0"
