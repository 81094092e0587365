"""The agreement suite's helpers: the published Release 8 validator and the mutants.

``official`` rebuilds the HealthData@EU validator (HealthDCAT-AP Release 8) with pySHACL,
``mutants`` derives one-change variants of the official example, and ``keys`` turns either
validator's report into comparable (focus, path) pairs.
"""
