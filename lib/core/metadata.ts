/**
 * Metadata keys the library writes on resources for its own template rules (`PrivateEksChecks`), which read templates,
 * not constructs.
 */

/** On an `EndpointHub`'s security group: the spoke CIDRs it admits on purpose (PEKS-SEC-5 accepts exactly those). */
export const SPOKE_CIDRS_METADATA = 'cdk-private-eks:spokeCidrs';

/**
 * Beside `SPOKE_CIDRS_METADATA`: why those CIDRs are admitted (which hub, for which spokes). PEKS-SEC-5 exempts a
 * recorded CIDR only when the reason is recorded too, and only a private one.
 */
export const SPOKE_CIDRS_REASON_METADATA = 'cdk-private-eks:spokeCidrsReason';
