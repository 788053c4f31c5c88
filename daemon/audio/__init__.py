"""Real sound: decoding, loudness, the block mixer and the sinks it plays into."""
