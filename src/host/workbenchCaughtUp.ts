// Waiting until VS Code's workbench has processed everything this extension host sent it so far (the answer to a
// save, above all). Messages to the workbench travel in order on one channel, and it answers a request only after
// reading it; so once a request sent after those messages is answered, they have been processed, down to the
// promise callbacks they started. Listing the commands is such a request that changes nothing and, unlike
// executeCommand, never waits for extensions to activate.
import * as vscode from 'vscode';

export async function workbenchCaughtUp(): Promise<void> {
  // A macrotask first: the answer to a save is sent from promise callbacks that run after the provider's save resolves.
  await new Promise((resolve) => setTimeout(resolve, 0));
  await vscode.commands.getCommands(false);
}
