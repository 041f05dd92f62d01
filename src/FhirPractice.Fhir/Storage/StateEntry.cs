namespace FhirPractice.Fhir.Storage;

/// <summary>
/// One value of a workflow module's own state kept beside the resources — a stock balance, a booked
/// interval, a ledger total — under a kind (the module's table, e.g. "inventory.on-hand") and a key that
/// orders the kind's entries (ordinal string order). Written in the store's write transaction, so a
/// projection changes atomically with the resources it is derived from. The part of a key before its first '|' is its
/// partition (an actor's bookings, say): <see cref="IResourceStore.StateStamp"/> tells per partition whether anything changed.
/// </summary>
public sealed record StateEntry(string Kind, string Key, string Value)
{
    /// <summary>The part of <paramref name="key"/> before its first '|', or all of it.</summary>
    public static ReadOnlySpan<char> PartitionOf(string key) => key.IndexOf('|') is var bar and >= 0 ? key.AsSpan(0, bar) : key;
}

/// <summary>The entries of one kind whose keys lie in [<paramref name="From"/>, <paramref name="To"/>), in key order, at most <paramref name="Limit"/>.</summary>
public sealed record StateRange(string Kind, string From, string To, int Limit = 1000);
