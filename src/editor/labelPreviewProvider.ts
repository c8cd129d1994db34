import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { assertNever, type ClassStyle, type LabelView, type PreviewToHostMessage, type HostToPreviewMessage } from '../common/previewProtocol';
import type { Log } from '../host/log';
import { labelsDirFor, resolveModel } from '../host/settings';
import { messageOf } from '../model/errors';
import { cardPathFor, readModelCard } from '../model/modelFiles';
import { labelPathFor } from '../core/labelPaths';
import { previewHtml } from './previewHtml';

export const LABEL_PREVIEW_VIEW_TYPE = 'segnetr.labelPreview';

/** Class colours when the model card cannot be read: foreground first, then a palette for more classes. */
const FALLBACK_COLOURS = ['#ff4d4d', '#4da6ff', '#5cd65c', '#ffcc33', '#c266ff', '#33d6c2', '#ff8c1a', '#ff66b3'];

/**
 * Read-only preview of an image with its label file overlaid, opened with "Open With... > SegNetr Label Preview".
 * The image and label are loaded by URL (never sent as bytes); the label reloads when the file changes on disk.
 */
export class LabelPreviewProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
  ) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    const imagePath = document.uri.fsPath;
    const labelsDir = labelsDirFor(path.dirname(imagePath), document.uri);
    const labelPath = labelPathFor(labelsDir, imagePath);
    const webview = panel.webview;
    webview.options = {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(this.extensionUri, 'dist'),
        vscode.Uri.joinPath(this.extensionUri, 'media'),
        vscode.Uri.file(path.dirname(imagePath)),
        vscode.Uri.file(labelsDir),
      ],
    };

    // Read the card in the background: the message listener below must exist before the webview can say `ready`,
    // so nothing is awaited before it is registered.
    const classes = this.classStyles(document.uri);
    const labelView = async (): Promise<LabelView | null> => {
      const info = await stat(labelPath).catch(() => undefined);
      if (!info?.isFile()) return null;
      const url = webview.asWebviewUri(vscode.Uri.file(labelPath)).with({ query: `v=${info.mtimeMs}` });
      return { url: url.toString(), displayPath: vscode.workspace.asRelativePath(labelPath), classes: await classes };
    };
    const post = (message: HostToPreviewMessage) => void webview.postMessage(message);

    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(labelsDir), path.basename(labelPath)));
    const refresh = async () => post({ type: 'label', label: await labelView() });
    panel.onDidDispose(() => watcher.dispose());
    watcher.onDidCreate(refresh);
    watcher.onDidChange(refresh);
    watcher.onDidDelete(refresh);

    webview.onDidReceiveMessage(async (message: PreviewToHostMessage) => {
      switch (message.type) {
        case 'ready':
          post({
            type: 'init',
            imageUrl: webview.asWebviewUri(document.uri).toString(),
            imageName: path.basename(imagePath),
            label: await labelView(),
            expectedLabelPath: vscode.workspace.asRelativePath(labelPath),
          });
          break;
        case 'loadFailed':
          this.log.warn(`Label preview could not display the ${message.what} ${message.what === 'image' ? imagePath : labelPath} (unsupported by the webview, e.g. TIFF, or unreadable).`);
          break;
        default:
          assertNever(message);
      }
    });
    webview.html = previewHtml(webview, this.extensionUri, path.basename(imagePath));
  }

  /** Class names and colours from the active model's card, so the overlay matches the model's classes. */
  private async classStyles(scope: vscode.Uri): Promise<ClassStyle[]> {
    const { modelPath } = resolveModel(this.extensionUri.fsPath, scope);
    try {
      const card = await readModelCard(cardPathFor(modelPath));
      return card.classes.filter((c) => c.index > 0);
    } catch (error) {
      // The preview still shows every class, in palette colours; the pre-label command reports the card itself.
      this.log.warn(`Label preview: using default colours (${messageOf(error)})`);
    }
    return FALLBACK_COLOURS.map((color, i) => ({ index: i + 1, name: `class ${i + 1}`, color }));
  }
}
