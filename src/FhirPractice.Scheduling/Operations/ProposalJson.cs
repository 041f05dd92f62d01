using System.Collections.Concurrent;
using System.Text;
using FhirPractice.Fhir.Rest;
using FhirPractice.Scheduling.Availability;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FhirPractice.Scheduling.Operations;

/// <summary>
/// One visit option's proposals as compact JSON. They differ only in start, end and minutesDuration, so the SDK writes
/// the first (it stays the authority on the format) and each other one is that JSON with those three values written in
/// their place: serialising 500 proposals with the SDK was about a third of an all-providers <c>$find</c>'s CPU.
/// It holds nothing of one answer, so <see cref="FindOperation"/> keeps it for the next answers of the same option.
/// </summary>
internal sealed class ProposalJson
{
    private readonly Func<TimeRange, Appointment> _proposal;
    // The JSON before and after the times; null when the SDK's JSON does not hold them as expected, and then each
    // proposal is serialised by the SDK.
    private readonly byte[]? _head, _tail;
    private readonly ConcurrentDictionary<TimeRange, byte[]> _times;

    /// <param name="times">The visits' times as written, shared by the options of every answer: 20 providers' proposals
    /// are mostly the same 25 times, and formatting instants was a tenth of the answer's CPU.</param>
    public ProposalJson(Func<TimeRange, Appointment> proposal, TimeRange first, ConcurrentDictionary<TimeRange, byte[]>? times = null)
    {
        _proposal = proposal;
        _times = times ?? [];
        var json = ResourceSerializer.ToJsonBytes(proposal(first));
        var firstTimes = Times(first);
        var at = json.AsSpan().IndexOf(firstTimes);
        var after = at + firstTimes.Length;
        // The times once, whole (a minutesDuration of 30 is not the start of 300): '"' cannot occur unescaped in a value,
        // so this sequence can only be the proposal's own elements.
        if (at > 0 && after < json.Length && json[after] is (byte)',' or (byte)'}' && json.AsSpan(after).IndexOf(firstTimes) < 0)
            (_head, _tail) = (json[..at], json[after..]);
    }

    /// <summary>Whether proposals are written from the first one's JSON (else each by the SDK).</summary>
    public bool Splices => _head is not null;

    public byte[] Write(TimeRange visit)
    {
        if (_head is null || _tail is null) return ResourceSerializer.ToJsonBytes(_proposal(visit));
        if (!_times.TryGetValue(visit, out var times))
        {
            if (_times.Count >= MaxTimes) _times.Clear();
            _times[visit] = times = Times(visit);
        }
        var json = new byte[_head.Length + times.Length + _tail.Length];
        _head.CopyTo(json, 0);
        times.CopyTo(json, _head.Length);
        _tail.CopyTo(json, _head.Length + times.Length);
        return json;
    }

    /// <summary>Times kept: over a year of weekdays at 16 visits a day.</summary>
    private const int MaxTimes = 8192;

    /// <summary>The visit's start, end and minutesDuration as <see cref="FindOperation.Proposal"/> sets them and the SDK writes them.</summary>
    private static byte[] Times(TimeRange visit) => Encoding.UTF8.GetBytes(
        $"\"start\":\"{Instant(visit.Start)}\",\"end\":\"{Instant(visit.End)}\",\"minutesDuration\":{(int)(visit.End - visit.Start).TotalMinutes}");

    private static string Instant(DateTimeOffset instant) => PrimitiveTypeConverter.ConvertTo<string>(instant.ToUniversalTime());
}
