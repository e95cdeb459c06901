// The one base for editor objects that own listeners, emitters, timers or views: each registers what
// it owns and disposes it all once (the pattern of microsoft/vscode-pull-request-github's
// src/common/lifecycle.ts). Something registered after disposal is disposed at once.
import type * as vscode from 'vscode';

/** Anything with a dispose: VS Code's Disposables, emitters, views, the core's subscriptions. */
export interface Owned {
  dispose(): unknown;
}

export abstract class Disposable implements vscode.Disposable {
  private readonly owned: Owned[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  /** Takes ownership of `value`: it is disposed with this object, newest first. */
  protected register<T extends Owned>(value: T): T {
    if (this.disposed) void value.dispose();
    else this.owned.push(value);
    return value;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const value of this.owned.splice(0).reverse()) void value.dispose();
  }
}
