"""Real audio: decoding, loudness, the mixer, sinks and the render and live drivers."""
