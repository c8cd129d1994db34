"""SegNetr training, evaluation and ONNX export for the SegNetr Annotator extension."""
import os

# Passive OpenMP waiting, set here so that it precedes torch's loading in every entry point (each CLI, and the test
# suite, whose conftest pytest imports as training.tests.conftest): on a shared 2-core machine spinning threads that
# lose their core made training steps 3x slower (2.4 vs 7.4 img/s under load) and one test 9x slower (87 vs 9.5 s).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
