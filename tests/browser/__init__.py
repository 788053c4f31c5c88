"""Real-browser tests of the service's web pages (Playwright, Debian's Chromium)."""
