"""Long work in the background: a durable job row, a worker that runs it, a progress bar."""
