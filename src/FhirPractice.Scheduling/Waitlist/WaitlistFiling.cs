using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Scheduling.Waitlist;

/// <summary>
/// The waitlist's module state, kept by the occupancy hook in the write transaction of the version it comes from:
/// waiting entries, the times freed while someone waits (the queue the offer worker drains), and the offers made.
/// </summary>
internal static class WaitlistFiling
{
    /// <summary>Files a waitlist Appointment (refused with a 422 when its preferences cannot be read) in offer order.</summary>
    public static void File(IStoreTransaction transaction, ResourceWrite write, List<(string, string)> owned)
    {
        if (write.Resource() is not Appointment { Status: Appointment.AppointmentStatus.Waitlist } appointment) return;
        WaitlistEntry.From(appointment);
        var created = appointment.CreatedElement?.ToDateTimeOffset(TimeSpan.Zero) ?? write.LastUpdated;
        var key = WaitlistKeys.WaitingKey(appointment.Priority, created, write.Id);
        transaction.SaveState(new StateEntry(WaitlistKeys.Waiting, key, write.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        owned.Add((WaitlistKeys.Waiting, key));
    }

    /// <summary>Queues a freed time for the offer worker, when anyone is waiting.</summary>
    public static void Freed(IStoreTransaction transaction, string owner, FreedTime freed)
    {
        if (transaction.ScanState(new StateRange(WaitlistKeys.Waiting, "", "~", 1)).Count == 0) return;
        transaction.SaveState(new StateEntry(WaitlistKeys.Freed, WaitlistKeys.FreedKey(transaction.Timestamp, owner), freed.Serialise()));
    }

    /// <summary>A waitlist entry that stopped waiting (booked from an offer, cancelled, deleted) leaves no marks of the times offered to it.</summary>
    public static void Closed(IStoreTransaction transaction, string waitlistId)
    {
        var prefix = WaitlistKeys.OfferedKey(waitlistId);
        foreach (var mark in transaction.ScanState(new StateRange(WaitlistKeys.Offered, prefix, prefix + "~", int.MaxValue)))
            transaction.DeleteState(WaitlistKeys.Offered, mark.Key);
    }

    /// <summary>
    /// Marks a hold offered from the waitlist: the time as offered to that entry for good (a lapsed or declined offer
    /// goes to the next patient), and the entry as having an open offer while the hold is pending.
    /// </summary>
    public static void Offered(IStoreTransaction transaction, string waitlistId, string offerId, DateTimeOffset start, List<(string, string)> owned)
    {
        transaction.SaveState(new StateEntry(WaitlistKeys.Offered, WaitlistKeys.OfferedKey(waitlistId, start), offerId));
        transaction.SaveState(new StateEntry(WaitlistKeys.OpenOffer, waitlistId, offerId));
        owned.Add((WaitlistKeys.OpenOffer, waitlistId));
    }
}
