"""RFQ to award (issue #11): requests for quotations made from a need, sealed quotes, clarifications,
amendments, the comparison after the deadline, and awards under the UMKM reservation rules."""
