"""checker: claim consistency checker for news."""
__version__ = "0.1.0"
