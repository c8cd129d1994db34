// How unsure the model is about one image, from its 8-bit probability map alone (no ground truth), to rank
// images so the likely failures are looked at first. Environment-neutral: no `vscode`, no DOM, no Node built-ins.
//
// Score = U / (U + F): U = pixels whose decision has confidence below 0.7 (a sigmoid probability in (0.3, 0.7),
// a winning softmax probability below 0.7), F = pixels predicted foreground. In [0, 1]; 0 when nothing is
// uncertain, 1 when nothing is predicted yet some pixels are uncertain. Chosen by measurement (README
// "Evaluation"; `node scripts/bench.mjs uncertainty`): on ISIC 2017 val its 15 highest-scoring images held 10 of
// the 17 images with Dice < 0.7 (15 random images: 1.7 expected), ahead of the mean entropy (7) and the
// uncertain fraction of the whole image (7), which mostly reward large lesions with long borders.

/** What the score needs of a prediction (src/model/postprocess.ts's Prediction). */
export interface ProbabilityMap {
  /** Class indices (0 = background). */
  readonly mask: Uint8Array;
  /** Probability x 255: the foreground's (sigmoid) or the winning class's (softmax). */
  readonly probability: Uint8Array;
}

export type Activation = 'sigmoid' | 'softmax';

/** Decisions less confident than this count as uncertain. */
export const CONFIDENT = 0.7;

export function uncertaintyScore(map: ProbabilityMap, activation: Activation): number {
  const high = CONFIDENT * 255; // 178.5: bytes 179..255 are confident
  const low = (1 - CONFIDENT) * 255; // 76.5: for a sigmoid, bytes 0..76 are confidently background
  let uncertain = 0;
  let foreground = 0;
  const { mask, probability } = map;
  for (let i = 0; i < probability.length; i++) {
    const b = probability[i]!;
    if (b < high && (activation === 'softmax' || b > low)) uncertain++;
    if (mask[i] !== 0) foreground++;
  }
  return uncertain + foreground === 0 ? 0 : uncertain / (uncertain + foreground);
}
