"""The switchboard: the greeting (S1), the staff directory (S2, S5), messages and complaints."""
