"""Procurement needs, RFQs, quotes and awards; the lifecycle lives in state.py (issues #4 and later).

Empty until that issue lands; the package exists so the layer contracts already name it."""
