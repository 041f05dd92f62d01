using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using FhirPractice.Scheduling.Availability;
using FhirPractice.Scheduling.Reminders;
using FhirPractice.Scheduling.Waitlist;
using Hl7.Fhir.Model;

namespace FhirPractice.Scheduling.Occupancy;

/// <summary>
/// No double booking, for every door: inside the store's write transaction, each Appointment and Slot version
/// gives up the intervals its previous version held and claims its own for each actor, refused with a 409 (which
/// rolls the whole write back) when at some moment of it the actor already has as many other bookings as its
/// capacity allows. The refusal is decided before the version is written (<see cref="Writing"/>), so a booking that
/// lost a race for its time fails before it changed anything and the store need not roll back the bookings
/// group-committed with it. Schedules are checked against the availability rules and record their actors' capacity. See ADR 0008.
/// In the same transaction it keeps what follows from a version: the waitlist's entries and the times freed for it,
/// and an Appointment's due reminders.
/// </summary>
public sealed class OccupancyWriteHook(AvailabilityCalculator calculator, ReminderFiling reminders) : IWriteHook
{
    /// <summary>The claims <see cref="Writing"/> read for the version about to be written, which <see cref="Written"/> files.</summary>
    private sealed record Checked(ResourceWrite Write, Claims? Claims);

    /// <summary>Set and taken on the store's single writer, one version at a time.</summary>
    private Checked? _checked;

    /// <summary>A 409 when the version would take an actor beyond its capacity (its own previous version does not count).</summary>
    public void Writing(IStoreTransaction transaction, ResourceWrite write)
    {
        _checked = null;
        if (write.Deleted || write.Type is not ("Appointment" or "Slot")) return;
        var claims = ClaimsOf(transaction, write);
        if (claims is { Overbooked: false })
            foreach (var actor in claims.Actors)
                if (!HasRoom(transaction, actor, claims.Interval)) throw TakenTime.Conflict(actor, claims.Interval.Range);
        _checked = new Checked(write, claims);
    }

    /// <summary>Files the version, whose room <see cref="Writing"/> checked.</summary>
    public void Written(IStoreTransaction transaction, ResourceWrite write) => FileVersion(transaction, write, new Filing(ChecksRoom: false, NoShowsFrom: null));

    /// <summary>
    /// Files a current version stored before the module's state existed (<see cref="OccupancyBackfill"/>) as its write
    /// would have, with two differences: a time already taken is claimed anyway and reported (the bookings both exist;
    /// refusing would lose neither, only the claim), and a visit that started before <paramref name="noShowsFrom"/> is
    /// not filed for the no-show sweep (nobody could check it in through the module). Returns whether it overbooks.
    /// </summary>
    internal bool Backfill(IStoreTransaction transaction, ResourceWrite write, DateTimeOffset noShowsFrom) =>
        FileVersion(transaction, write, new Filing(ChecksRoom: true, noShowsFrom));

    /// <param name="ChecksRoom">Whether a claim beyond an actor's capacity is looked for and reported (the backfill; a write was refused before it was written).</param>
    /// <param name="NoShowsFrom">Booked visits that start before it are not filed for the no-show sweep.</param>
    private sealed record Filing(bool ChecksRoom, DateTimeOffset? NoShowsFrom);

    private bool FileVersion(IStoreTransaction transaction, ResourceWrite write, Filing filing)
    {
        if (write.Type is not ("Appointment" or "Slot" or "Schedule")) return false;
        var owner = $"{write.Type}/{write.Id}";
        var owned = new List<(string Kind, string Key)>();
        var (freed, wasWaiting) = Release(transaction, owner);
        Claims? claims = null;
        var overbooks = false;
        if (!write.Deleted)
        {
            if (write.Type == "Schedule") RecordCapacity(transaction, write, owned);
            else claims = Claim(transaction, write, filing, owned, out overbooks);
            if (write.Type == "Appointment")
            {
                WaitlistFiling.File(transaction, write, owned);
                if (claims is { AwaitsArrival: true }) reminders.File(transaction, write, claims, owned);
            }
        }
        if (freed is not null && (claims is null || !claims.Interval.Range.Contains(freed.Range))) WaitlistFiling.Freed(transaction, owner, freed);
        if (wasWaiting && !owned.Any(o => o.Kind == WaitlistKeys.Waiting)) WaitlistFiling.Closed(transaction, write.Id);
        if (owned.Count > 0)
            transaction.SaveState(new StateEntry(OccupancyKeys.Owned, owner, string.Join('\n', owned.Select(o => $"{o.Kind}\t{o.Key}"))));
        return overbooks;
    }

    public void Committed() { }

    /// <summary>Gives up what the owner's previous version held; returns the time it had claimed, if any, and whether it was waiting on the waitlist.</summary>
    private static (FreedTime? Freed, bool WasWaiting) Release(IStoreTransaction transaction, string owner)
    {
        if (transaction.ReadState(OccupancyKeys.Owned, owner) is not { } previous) return (null, false);
        TimeRange? range = null;
        var wasWaiting = false;
        var actors = new List<string>();
        foreach (var line in previous.Value.Split('\n'))
        {
            var tab = line.IndexOf('\t');
            var (kind, key) = (line[..tab], line[(tab + 1)..]);
            if (kind == OccupancyKeys.Busy && transaction.ReadState(kind, key) is { } busy)
            {
                range ??= BusyInterval.Parse(busy.Value).Range;
                actors.Add(key[..key.IndexOf('|')]);
            }
            wasWaiting |= kind == WaitlistKeys.Waiting;
            transaction.DeleteState(kind, key);
        }
        transaction.DeleteState(OccupancyKeys.Owned, owner);
        return (range is { } r ? new FreedTime(r, actors.Distinct().ToList()) : null, wasWaiting);
    }

    private void RecordCapacity(IStoreTransaction transaction, ResourceWrite write, List<(string, string)> owned)
    {
        // Schedules are written rarely: parsing the model here is affordable, and refuses broken rules at every door.
        var rules = AvailabilityRules.From((Schedule)write.Resource(), calculator.Zone);
        if (rules.Capacity <= 1) return;
        foreach (var actor in rules.Actors)
        {
            transaction.SaveState(new StateEntry(OccupancyKeys.Capacity, actor, rules.Capacity.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            owned.Add((OccupancyKeys.Capacity, actor));
        }
    }

    private static Claims? ClaimsOf(IStoreTransaction transaction, ResourceWrite write) => Claims.Read(write, schedule =>
    {
        var parts = schedule.Split('/');
        return transaction.ReadCurrent(parts[0], parts[1]) is { Deleted: false } s ? Claims.ScheduleActors(s.Json) : [];
    });

    /// <summary>Whether the actor has room for the interval beside its other bookings, as the transaction sees them.</summary>
    private static bool HasRoom(IStoreTransaction transaction, string actor, BusyInterval interval)
    {
        var existing = OccupancyKeys.Distinct(transaction.ScanState(OccupancyKeys.BusyRange(actor, interval.Range)));
        return BusyInterval.HasRoom(existing, interval.Range, interval, CapacityOf(transaction, actor));
    }

    private Claims? Claim(IStoreTransaction transaction, ResourceWrite write, Filing filing, List<(string, string)> owned, out bool overbooks)
    {
        overbooks = false;
        // The claims Writing read for this very version, else read now (for a Slot that means reading its Schedule again).
        var claims = _checked is { } read && ReferenceEquals(read.Write, write) ? read.Claims : ClaimsOf(transaction, write);
        _checked = null;
        if (claims is null) return null;
        var interval = claims.Interval;
        foreach (var actor in claims.Actors)
        {
            if (filing.ChecksRoom && !claims.Overbooked && !HasRoom(transaction, actor, interval)) overbooks = true;
            foreach (var key in OccupancyKeys.BusyKeys(actor, interval))
            {
                transaction.SaveState(new StateEntry(OccupancyKeys.Busy, key, interval.Serialise()));
                owned.Add((OccupancyKeys.Busy, key));
            }
        }
        if (claims.HoldExpires is { } expires) File(transaction, OccupancyKeys.Hold, OccupancyKeys.HoldKey(expires, write.Id), write, owned);
        if (claims.AwaitsArrival && !(interval.Range.Start < filing.NoShowsFrom)) File(transaction, OccupancyKeys.Booked, OccupancyKeys.BookedKey(interval.Range.Start, write.Id), write, owned);
        if (claims.OfferedTo is { } waitlistId) WaitlistFiling.Offered(transaction, waitlistId, write.Id, interval.Range.Start, owned);
        return claims;
    }

    /// <summary>Files the version under a time-ordered key for the sweeper, which acts only on that version.</summary>
    private static void File(IStoreTransaction transaction, string kind, string key, ResourceWrite write, List<(string, string)> owned)
    {
        transaction.SaveState(new StateEntry(kind, key, write.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        owned.Add((kind, key));
    }

    internal static int CapacityOf(IStoreTransaction transaction, string actor) =>
        transaction.ReadState(OccupancyKeys.Capacity, actor) is { } c ? int.Parse(c.Value, System.Globalization.CultureInfo.InvariantCulture) : 1;
}
