"""Cancer Image Registry: HealthDCAT-AP metadata of cancer-imaging datasets."""

__version__ = "0.1.0"
