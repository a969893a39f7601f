#!/usr/bin/perl
# An SMSC built on Debian's Net::SMPP (libnet-smpp-perl): an SMPP 3.4 implementation nobody on Aviso
# wrote, for testing Aviso's SMPP client against. One process, many connections (IO::Select).
#
#   net-smpp-smsc.pl [--mode normal|stall|silent|mute] [--port N]
#
# Prints one JSON line per event on stdout (the first: {"event":"listen","port":N}); reads commands on
# stdin: "enquire" (an enquire_link to every bound session), "unknown" (a PDU with an unknown command id
# to every bound session), "mo FROM TO TEXT" (a mobile-originated SMS, deliver_sm with esm_class 0 and the
# UTF-8 text as UTF-16, as phones send data_coding 8, to one bound session), "stall" / "silent" / "mute" /
# "normal" (switch mode). In stall mode submit_sm is read and never answered; in mute mode no PDU is
# answered (unbind neither); in silent mode submit_sm is answered but no receipt follows. Otherwise receipts
# (deliver_sm, esm_class 0x04) follow every answered submit_sm that asked for one: destinations ending in
# 000 are undeliverable; destinations ending in 999 are refused at once (ESME_RINVDSTADR).
use strict;
use warnings;
use IO::Select;
use JSON::PP;
use Net::SMPP;
use POSIX qw(strftime);
use Encode qw(decode encode);

my %opt = (mode => 'normal', port => 0);
while (@ARGV) {
    my $k = shift @ARGV;
    $k =~ s/^--//;
    $opt{$k} = shift @ARGV;
}
$| = 1;
# A write to a client that has gone is that client's loss, not the end of the SMSC.
$SIG{PIPE} = 'IGNORE';
# A client hanging up is an event here, not a warning.
$SIG{__WARN__} = sub { warn @_ unless $_[0] =~ /premature eof|error reading header/ };
my $json = JSON::PP->new->canonical;
sub emit { print $json->encode({@_}), "\n"; }

my $listen = Net::SMPP->new_listen('127.0.0.1', port => $opt{port}) or die "listen: $!";
emit(event => 'listen', port => $listen->sockport);

my $select = IO::Select->new($listen, \*STDIN);
my (%conn, %bound);    # fileno => connection id; fileno => bind kind
my ($next_conn, $next_id) = (0, 0);
my $stdin_buffer = '';
my %bind_resp = (
    bind_transmitter => 'bind_transmitter_resp',
    bind_receiver    => 'bind_receiver_resp',
    bind_transceiver => 'bind_transceiver_resp',
);

sub bound_count { scalar keys %bound }

sub drop {
    my ($c) = @_;
    my $fd = fileno($c);
    emit(event => 'close', conn => $conn{$fd}) if defined $fd && defined $conn{$fd};
    if (defined $fd) { delete $conn{$fd}; delete $bound{$fd}; }
    $select->remove($c);
    close $c;
    emit(event => 'bound', count => bound_count());
}

sub receipt {
    my ($c, $pdu, $id) = @_;
    my $failed = $pdu->{destination_addr} =~ /000$/;
    my $stamp = strftime('%y%m%d%H%M', gmtime);
    my $stat = $failed ? 'UNDELIV' : 'DELIVRD';
    my $text = sprintf('id:%s sub:001 dlvrd:%s submit date:%s done date:%s stat:%s err:%s text:',
        $id, $failed ? '000' : '001', $stamp, $stamp, $stat, $failed ? '001' : '000');
    $c->deliver_sm(
        source_addr_ton => $pdu->{dest_addr_ton}, source_addr_npi => $pdu->{dest_addr_npi},
        source_addr => $pdu->{destination_addr}, destination_addr => $pdu->{source_addr},
        esm_class => 0x04, data_coding => 0x01, short_message => $text,
        receipted_message_id => "$id\0", message_state => pack('C', $failed ? 5 : 2),
        async => 1);
}

sub on_pdu {
    my ($c, $pdu) = @_;
    my $id = $conn{fileno($c)};
    my $cmd = $pdu->{known_pdu} ? Net::SMPP::pdu_tab->{$pdu->{cmd}}{cmd} : sprintf('0x%08x', $pdu->{cmd});
    if ($opt{mode} eq 'mute') {
        emit(event => 'ignored', conn => $id, command => $cmd);
        return;
    }
    if (my $resp = $bind_resp{$cmd}) {
        (my $kind = $cmd) =~ s/^bind_//;
        $c->$resp(seq => $pdu->{seq}, system_id => 'net-smpp');
        $bound{fileno($c)} = $kind;
        emit(event => 'bind', conn => $id, kind => $kind, system_id => $pdu->{system_id});
        emit(event => 'bound', count => bound_count());
    } elsif ($cmd eq 'submit_sm') {
        my %f = map { $_ => $pdu->{$_} } qw(source_addr_ton source_addr_npi source_addr dest_addr_ton dest_addr_npi
            destination_addr esm_class data_coding registered_delivery validity_period);
        $f{short_message_hex} = unpack('H*', $pdu->{short_message});
        if ($opt{mode} eq 'stall') {
            emit(event => 'stalled', conn => $id, seq => $pdu->{seq}, %f);
            return;
        }
        if ($pdu->{destination_addr} =~ /999$/) {
            $c->submit_sm_resp(seq => $pdu->{seq}, message_id => '', status => 0x0b);    # ESME_RINVDSTADR
            emit(event => 'refused', conn => $id, seq => $pdu->{seq}, %f);
            return;
        }
        my $msg_id = 'p' . ++$next_id;
        # Logged before it is answered: killed in between, the log still holds every message a client was told
        # was taken (one logged but unanswered is sent again by the client, as SMPP allows).
        emit(event => 'submit', conn => $id, seq => $pdu->{seq}, message_id => $msg_id, %f);
        $c->submit_sm_resp(seq => $pdu->{seq}, message_id => $msg_id);
        receipt($c, $pdu, $msg_id) if ($pdu->{registered_delivery} & 1) && $bound{fileno($c)} ne 'transmitter' && $opt{mode} ne 'silent';
    } elsif ($cmd eq 'enquire_link') {
        $c->enquire_link_resp(seq => $pdu->{seq});
        emit(event => 'enquire_link', conn => $id);
    } elsif ($cmd eq 'unbind') {
        $c->unbind_resp(seq => $pdu->{seq});
        emit(event => 'unbind', conn => $id);
        drop($c);
    } elsif ($cmd eq 'enquire_link_resp' || $cmd eq 'deliver_sm_resp') {
        emit(event => $cmd, conn => $id, seq => $pdu->{seq}, status => $pdu->{status});
    } elsif ($cmd eq 'generic_nack') {
        emit(event => 'generic_nack', conn => $id, seq => $pdu->{seq}, status => $pdu->{status});
    } else {
        emit(event => 'other', conn => $id, command => $cmd);
    }
}

sub command {
    my ($line) = @_;
    chomp $line;
    if ($line =~ /^mo (\S+) (\S+) (.*)$/) {
        my ($from, $to, $text) = ($1, $2, decode('UTF-8', $3));
        my ($fd) = sort keys %bound;
        my ($c) = grep { defined $fd && fileno($_) && fileno($_) == $fd } $select->handles;
        return emit(event => 'mo_failed', reason => 'no bound session') unless $c;
        my $seq = $c->deliver_sm(
            source_addr_ton => 1, source_addr_npi => 1, source_addr => $from,
            dest_addr_ton => 5, dest_addr_npi => 0, destination_addr => $to,
            esm_class => 0x00, data_coding => 0x08, short_message => encode('UTF-16BE', $text), async => 1);
        return emit(event => 'mo_sent', conn => $conn{$fd}, seq => $seq);
    }
    for my $fd (keys %bound) {
        my ($c) = grep { fileno($_) && fileno($_) == $fd } $select->handles;
        next unless $c;
        if ($line eq 'enquire') {
            my $seq = $c->enquire_link(async => 1);
            emit(event => 'enquire_link_sent', conn => $conn{$fd}, seq => $seq);
        } elsif ($line eq 'unknown') {
            # A command id SMPP 3.4 does not define: the client must answer generic_nack.
            $c->syswrite(pack('NNNN', 16, 0x000000ab, 0, 4242));
            emit(event => 'unknown_sent', conn => $conn{$fd}, seq => 4242);
        }
    }
    $opt{mode} = $line if $line =~ /^(stall|normal|silent|mute)$/;
    emit(event => 'command', command => $line);
}

while (1) {
    for my $h ($select->can_read) {
        if ($h == $listen) {
            my $c = $listen->accept or next;
            $conn{fileno($c)} = ++$next_conn;
            $select->add($c);
            emit(event => 'connect', conn => $next_conn);
        } elsif ($h == \*STDIN) {
            # sysread, not <STDIN>: a buffered read would swallow lines that select() then never reports.
            my $n = sysread(STDIN, my $chunk, 4096);
            exit 0 unless $n;
            $stdin_buffer .= $chunk;
            command($1) while $stdin_buffer =~ s/^([^\n]*)\n//;
        } else {
            my $pdu = $h->read_pdu();
            if (!$pdu) { drop($h); next; }
            on_pdu($h, $pdu);
        }
    }
}
