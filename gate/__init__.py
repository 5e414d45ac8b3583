"""finops-gate: a policy-as-code deployment gate and cloud tag enforcer."""

__version__ = "0.1.0"
