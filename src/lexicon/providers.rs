//! The mail providers' facts: whose Authentication-Results can be trusted, free-mail domains,
//! forwarding services.
