"""Statistical early-warning detectors: pure numpy/scipy, no Django imports."""
