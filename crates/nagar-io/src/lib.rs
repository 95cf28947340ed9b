//! nagar-io: reading and writing files. Knows nothing about scoring.
