"""SegNetr training, evaluation and ONNX export for the SegNetr Annotator extension."""
