// What the mask editor needs from the active model: its class count and colours (from the card, read once per
// model path) and the path the worker runs for Predict. A card that cannot be read still lets a person edit:
// two classes in palette colours, with the reason in the log.
import * as vscode from 'vscode';
import type { ClassStyle } from '../common/editorProtocol';
import { modelThreshold, thresholdByte } from '../core/predictionRecord';
import type { Log } from '../host/log';
import { resolveModel } from '../host/settings';
import { numberOfClasses } from '../model/card';
import { messageOf } from '../model/errors';
import { cardPathFor, readModelCard } from '../model/modelFiles';

/** The foreground colour when the model card cannot be read. */
const FALLBACK_COLOUR = '#ff4d4d';

export interface EditorModelInfo {
  readonly modelPath: string;
  /** Label values the model can produce (background included). */
  readonly classCount: number;
  /** Every class but background, for the class picker and the overlay colours. */
  readonly classes: readonly ClassStyle[];
  /** The card's threshold as 0..255 (probability x 255, "above" = foreground); 0 for softmax. */
  readonly threshold: number;
}

export async function editorModelInfo(extensionPath: string, scope: vscode.Uri, log: Log): Promise<EditorModelInfo> {
  const { modelPath } = resolveModel(extensionPath, scope);
  try {
    const card = await readModelCard(cardPathFor(modelPath));
    return {
      modelPath,
      classCount: numberOfClasses(card.output),
      classes: card.classes.filter((c) => c.index > 0).map(({ index, name, color }) => ({ index, name, color })),
      threshold: thresholdByte(modelThreshold(card.output)),
    };
  } catch (error) {
    log.warn(`Mask editor: editing with two classes in default colours (${messageOf(error)})`);
    return { modelPath, classCount: 2, classes: [{ index: 1, name: 'class 1', color: FALLBACK_COLOUR }], threshold: 127 };
  }
}
