// Compare mode's overlay layers and their names (pure data: the page's saved state checks a stored layer against it).
export type CompareLayer = 'errors' | 'groundTruth' | 'prediction' | 'heat';

export const COMPARE_LAYERS: Readonly<Record<CompareLayer, { label: string; title: string }>> = {
  errors: { label: 'TP/FP/FN', title: 'Where the prediction agrees with the ground truth (TP), adds to it (FP) and misses it (FN)' },
  groundTruth: { label: 'Ground truth', title: 'The ground truth: the mask you edit here' },
  prediction: { label: 'Prediction', title: 'The prediction, at the threshold below' },
  heat: { label: 'Heat map', title: "The model's probability map" },
};
