// Waiting until VS Code's workbench has processed everything this extension host sent it so far (the answer to a
// save, above all). Messages to the workbench travel in order on one channel, and it answers a command only after
// reading it; so once a command sent after those messages is answered, they have been processed, down to the
// promise callbacks they started. setContext with a key of our own is the cheapest such command, and no `when`
// clause reads the key.
import * as vscode from 'vscode';

let round = 0;

export async function workbenchCaughtUp(): Promise<void> {
  // A macrotask first: the answer to a save is sent from promise callbacks that run after the provider's save resolves.
  await new Promise((resolve) => setTimeout(resolve, 0));
  await vscode.commands.executeCommand('setContext', 'segnetr.internal.workbenchRound', ++round);
}
