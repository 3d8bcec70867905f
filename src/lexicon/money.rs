//! Money facts that belong to no language: currencies, their symbols, payment brands, and which
//! regions write a numeric date day first.

// order: currencies
/// ISO 4217 codes accepted before or after an amount (folded).
pub(crate) const CURRENCIES: &[&str] = &[
    "usd", "jpy", "eur", "gbp", "dkk", "sek", "nok", "chf", "cad", "aud", "nzd", "krw", "cny", "hkd", "twd",
    "sgd", "inr", "brl", "mxn", "pln", "czk", "huf", "zar", "try", "thb", "myr", "php", "idr",
];

/// Currency symbols and their codes.
pub(crate) const SYMBOLS: &[(&str, &str)] = &[
    ("¥", "JPY"),
    ("円", "JPY"),
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
];

/// Dollar signs of other currencies (folded): `R$ 220,00` is Brazilian, not US.
pub(crate) const DOLLARS: &[(&str, &str)] = &[
    ("r$", "BRL"),
    ("us$", "USD"),
    ("a$", "AUD"),
    ("au$", "AUD"),
    ("c$", "CAD"),
    ("ca$", "CAD"),
    ("nz$", "NZD"),
    ("hk$", "HKD"),
    ("s$", "SGD"),
];

/// Currencies of regions that write a numeric date day first (`19/05/2025`). The account's
/// currency is the best hint the mail gives; others (USD) read month first.
pub(crate) const DAY_FIRST_CURRENCIES: &[&str] = &[
    "GBP", "EUR", "DKK", "SEK", "NOK", "CHF", "PLN", "CZK", "HUF", "AUD", "NZD", "INR", "BRL", "MXN", "TRY",
    "ZAR",
];

// order: payment brands
/// Card brands and wallets (folded), as they are shown.
pub(crate) const PAYMENT_BRANDS: &[(&str, &str)] = &[
    ("american express", "American Express"),
    ("amex", "American Express"),
    ("mastercard", "MasterCard"),
    ("master card", "MasterCard"),
    ("visa", "Visa"),
    ("jcb", "JCB"),
    ("paypal", "PayPal"),
    ("paypay", "PayPay"),
    ("diners club", "Diners Club"),
    ("discover", "Discover"),
    ("unionpay", "UnionPay"),
    ("apple pay", "Apple Pay"),
    ("google pay", "Google Pay"),
];
