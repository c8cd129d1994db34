// The default SegNetr model shipped in media/models/ (with its card, same base name, .json), trained on ISIC 2017.
export const BUNDLED_MODEL_FILE = 'segnetr-isic2017.onnx';
