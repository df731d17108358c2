//! MySQL protocol front end.
