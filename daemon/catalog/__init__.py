"""Loading the store's inputs (config, playlists, scripts, events) into model objects."""
