#!/usr/bin/perl
# An ESME built on Debian's Net::SMPP, binding the way Kannel does (a transmitter and a receiver session),
# for testing `aviso smsc` against a client Aviso did not write. Prints one JSON line per result.
#
#   net-smpp-client.pl PORT SYSTEM_ID PASSWORD
use strict;
use warnings;
use JSON::PP;
use Net::SMPP;

my ($port, $system_id, $password) = @ARGV;
$| = 1;
$SIG{__WARN__} = sub { warn @_ unless $_[0] =~ /premature eof/ };
my $json = JSON::PP->new->canonical;
sub emit { print $json->encode({@_}), "\n"; }

my %login = (port => $port, system_id => $system_id, password => $password, timeout => 5);
my $tx = Net::SMPP->new_transmitter('127.0.0.1', %login) or die "transmitter bind failed";
emit(event => 'bound', kind => 'transmitter');
my $rx = Net::SMPP->new_receiver('127.0.0.1', %login) or die "receiver bind failed";
emit(event => 'bound', kind => 'receiver');

# GSM 03.38 bytes for "Vesikatko ä" (ä = 0x7B), data_coding 0; UCS-2 "9–12" big-endian, data_coding 8.
my @messages = (
    ['358401234567', 0x00, "Vesikatko \x7b"],
    ['358401234568', 0x08, "\x00\x39\x20\x13\x00\x31\x00\x32"],
    ['358401230000', 0x00, 'ei perille'],
);
my %ids;
for my $m (@messages) {
    my $resp = $tx->submit_sm(destination_addr => $m->[0], dest_addr_ton => 1, dest_addr_npi => 1,
        source_addr => 'Kannel', source_addr_ton => 5, data_coding => $m->[1], short_message => $m->[2],
        registered_delivery => 1);
    emit(event => 'submit_sm_resp', to => $m->[0], status => $resp->{status}, message_id => $resp->{message_id});
    $ids{$resp->{message_id}} = $m->[0];
}

my $enquire = $tx->enquire_link();
emit(event => 'enquire_link_resp', status => $enquire->{status});

for (1 .. scalar @messages) {
    my $pdu = $rx->read_pdu() or last;
    next unless $pdu->{cmd} == 0x00000005;    # deliver_sm
    $rx->deliver_sm_resp(seq => $pdu->{seq}, message_id => '');
    emit(event => 'receipt', esm_class => $pdu->{esm_class}, data_coding => $pdu->{data_coding},
        text => $pdu->{short_message}, receipted_message_id => unpack('Z*', $pdu->{receipted_message_id} // ''),
        message_state => unpack('C', $pdu->{message_state} // "\xff"));
}

my ($first) = sort keys %ids;
my $query = $tx->query_sm(message_id => $first, source_addr => 'Kannel', source_addr_ton => 5);
emit(event => 'query_sm_resp', status => $query->{status}, message_id => $query->{message_id}, message_state => $query->{message_state});

# A command id SMPP 3.4 does not define: the SMSC must answer generic_nack.
$tx->syswrite(pack('NNNN', 16, 0x000000ab, 0, 777));
my $nack = $tx->read_pdu();
emit(event => 'answer_to_unknown', command_id => sprintf('0x%08x', $nack->{cmd}), status => $nack->{status}, seq => $nack->{seq});

emit(event => 'unbind_resp', kind => 'transmitter', status => $tx->unbind()->{status});
emit(event => 'unbind_resp', kind => 'receiver', status => $rx->unbind()->{status});
