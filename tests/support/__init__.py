"""Helpers the tests share: model files they fetch or write, and LSP client set-up."""
