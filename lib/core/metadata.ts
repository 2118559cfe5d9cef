/**
 * Metadata keys the library writes on resources for its own template rules (`PrivateEksChecks`), which read templates,
 * not constructs.
 */

/** On an `EndpointHub`'s security group: the spoke CIDRs it admits on purpose (PEKS-SEC-5 accepts exactly those). */
export const SPOKE_CIDRS_METADATA = 'cdk-private-eks:spokeCidrs';
