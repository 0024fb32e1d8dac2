"""The login throttle's keys (issue #9, finding 7): what counts as one address, and what is stored."""

from __future__ import annotations

from rantai.identity.throttle import Attempt, Scope, network_of


def test_ipv4_is_counted_by_address_and_ipv6_by_its_64_network() -> None:
    assert network_of("203.0.113.7") == "203.0.113.7"
    assert network_of("2001:db8:1:2:aaaa::1") == network_of("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert network_of("2001:db8:1:3::1") != network_of("2001:db8:1:2::1")
    assert network_of("::ffff:203.0.113.7") == "203.0.113.7"
    assert network_of("testclient") == "testclient"


def test_keys_are_digests_of_the_typed_email_whatever_its_case() -> None:
    first = Attempt.of("203.0.113.7", " Ros@Contoh.co.id ")
    again = Attempt.of("203.0.113.7", "ros@contoh.co.id")
    elsewhere = Attempt.of("198.51.100.1", "ros@contoh.co.id")
    assert first.keys == again.keys
    assert first.keys[Scope.EMAIL] == elsewhere.keys[Scope.EMAIL]
    assert first.keys[Scope.ADDRESS_EMAIL] != elsewhere.keys[Scope.ADDRESS_EMAIL]
    assert all(len(key) == 64 and "ros" not in key for key in first.keys.values())
