"""Security: who may do what, hostile input, web hardening."""
