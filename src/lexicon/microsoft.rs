//! Microsoft's facts: the addresses and domains it sends from, its hosts and products.
