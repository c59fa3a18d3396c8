"""claimtrail: policy briefs in, sourced facts out."""

__version__ = "0.1.0"
