// A minimal client: VS Code starts `crossmarket lsp` and speaks the Language Server Protocol with it over
// stdio. Everything the author sees (errors, hover, completion, formatting, quick fixes) comes from it.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("crossmarket").get("command");
  client = new LanguageClient(
    "crossmarket",
    "crossmarket",
    { command, args, options: { cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath } },
    { documentSelector: [{ scheme: "file", language: "crossmarket" }] }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
