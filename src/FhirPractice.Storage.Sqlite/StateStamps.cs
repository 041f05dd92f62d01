using FhirPractice.Fhir.Storage;

namespace FhirPractice.Storage.Sqlite;

/// <summary>
/// The stamps <see cref="IResourceStore.StateStamp"/> and <see cref="IResourceStore.TypeStamp"/> answer with: counters
/// that the writer moves after each commit that changed module state, one per kind and partition (see
/// <see cref="StateEntry.PartitionOf"/>), or wrote a version of a resource type. They live in a fixed table indexed by a
/// hash, so their memory does not grow with the keys; two partitions sharing a counter only make a reader read again
/// when it need not. Every write goes through this process's single writer, so no change passes unseen.
/// </summary>
internal sealed class StateStamps
{
    private const int Size = 4096;
    private readonly long[] _stamps = new long[Size];

    /// <summary>The kind under which a resource type's versions count: no module's (theirs are named "module.kind").</summary>
    private const string Versions = "#versions";

    public long Of(string kind, string partition) => Volatile.Read(ref _stamps[Slot(kind, partition)]);

    public long OfType(string type) => Of(Versions, type);

    /// <summary>The counter a version of the type moves.</summary>
    public static int SlotOfType(string type) => Slot(Versions, type);

    /// <summary>The counter an entry's change moves.</summary>
    public static int SlotOf(string kind, string key) => Slot(kind, StateEntry.PartitionOf(key));

    /// <summary>Moves the counters of changes that are committed: only then, so a reader that sees the new stamp sees the commit too.</summary>
    public void Committed(IEnumerable<int> slots)
    {
        foreach (var slot in slots) Interlocked.Increment(ref _stamps[slot]);
    }

    private static int Slot(string kind, ReadOnlySpan<char> partition) => (int)((uint)HashCode.Combine(kind.GetHashCode(), string.GetHashCode(partition)) % Size);
}
