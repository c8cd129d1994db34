import * as vscode from 'vscode';

/** The extension's output channel ("SegNetr"): every job, failure and worker event is logged here. */
export class Log implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('SegNetr', { log: true });

  info(message: string): void {
    this.channel.info(message);
  }

  warn(message: string): void {
    this.channel.warn(message);
  }

  error(message: string): void {
    this.channel.error(message);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
