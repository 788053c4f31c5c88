"""Speech: how announcements and pages are worded and how long they take to say."""
