using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;
using static FhirPractice.Server.Tests.Scheduling.SchedulingHttp;

namespace FhirPractice.Server.Tests.Scheduling;

/// <summary>Whatever mix of $book, $reschedule, $cancel and direct Appointment writes runs at once, no actor ends up double-booked.</summary>
public sealed class NoOverlapTests(SchedulingServerFactory server) : IClassFixture<SchedulingServerFactory>
{
    private readonly HttpClient _client = server.Client;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_interleavings_never_leave_an_overlap(int seed)
    {
        var practitioner = await _client.PractitionerAsync();
        var doctor = await _client.ScheduleAsync(practitioner, $$$"""{"url":"{{{Ext}}}buffer-after-minutes","valuePositiveInt":10}""");
        var patients = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _client.PatientAsync()));
        // Friday 13 June 2025, 09:00–11:00 New York: starts on a 15-minute grid, 30-minute visits, so most requests collide.
        var day = new DateTimeOffset(2025, 6, 13, 13, 0, 0, TimeSpan.Zero);
        string Time(int quarter) => day.AddMinutes(15 * quarter).ToString("yyyy-MM-ddTHH:mm:ssZ");
        var booked = new System.Collections.Concurrent.ConcurrentBag<string>();

        async Task OneAsync(Random random)
        {
            var q = random.Next(0, 7);
            var patient = patients[random.Next(patients.Length)];
            switch (random.Next(4))
            {
                case 0:
                    var response = await _client.BookAsync(Time(q), Time(q + 2), patient, doctor);
                    if (response.StatusCode == HttpStatusCode.OK) booked.Add(Id(await response.JsonAsync()));
                    else Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
                    break;
                case 1 when booked.TryTake(out var id):
                    var moved = await _client.PostAsync($"Appointment/{id}/$reschedule", WithAppointment(Proposal(Time(q), Time(q + 2), patient, doctor)));
                    if (moved.StatusCode == HttpStatusCode.OK) booked.Add(Id(await moved.JsonAsync()));
                    else { Assert.True(moved.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed, await moved.Content.ReadAsStringAsync()); booked.Add(id); }
                    break;
                case 2 when booked.TryTake(out var id):
                    var cancelled = await _client.PostAsync($"Appointment/{id}/$cancel", WithReason("random"));
                    Assert.True(cancelled.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed, await cancelled.Content.ReadAsStringAsync());
                    break;
                default:
                    var direct = await _client.PostAsync("Appointment", FhirServerFactory.Json($$"""
                        {"resourceType":"Appointment","status":"booked","start":"{{Time(q)}}","end":"{{Time(q + 1)}}",
                         "participant":[{"actor":{"reference":"{{practitioner}}"},"status":"accepted"},{"actor":{"reference":"{{patient}}"},"status":"accepted"}]}
                        """));
                    Assert.True(direct.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, await direct.Content.ReadAsStringAsync());
                    break;
            }
        }

        // Eight clients at once, each with its own seeded sequence of requests.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async worker => { var random = new Random(seed * 100 + worker); for (var i = 0; i < 8; i++) await OneAsync(random); }));

        var taking = new[] { "pending", "booked", "arrived", "fulfilled", "checked-in" };
        var appointments = (await _client.SearchAsync($"Appointment?actor={practitioner}&_count=500"))["entry"]?.AsArray().Select(e => e!["resource"]!)
            .Where(a => taking.Contains((string?)a["status"])).ToList() ?? [];
        var slots = (await _client.SearchAsync($"Slot?schedule={doctor}&_count=500"))["entry"]?.AsArray().Select(e => e!["resource"]!)
            .Where(s => (string?)s["status"] != "free").ToList() ?? [];
        Assert.NotEmpty(appointments);
        AssertNoOverlap(appointments.Select(a => Interval(a)).ToList(), "practitioner appointments");
        foreach (var patient in patients)
            AssertNoOverlap(appointments.Where(a => a["participant"]!.AsArray().Any(p => (string?)p!["actor"]!["reference"] == patient)).Select(Interval).ToList(), patient);
        // A booked appointment's own slots cover it; slots of different bookings never overlap each other.
        var slotOwners = appointments.SelectMany(a => (a["slot"]?.AsArray() ?? []).Select(s => ((string)s!["reference"]!, (string)a["id"]!))).ToDictionary(x => x.Item1, x => x.Item2);
        var bookings = slots.GroupBy(s => slotOwners.GetValueOrDefault($"Slot/{(string)s["id"]!}") ?? (string)s["id"]!)
            .Select(g => (Start: g.Min(s => DateTimeOffset.Parse((string)s["start"]!)), End: g.Max(s => DateTimeOffset.Parse((string)s["end"]!)), Id: g.Key)).ToList();
        AssertNoOverlap(bookings, "slots");
        foreach (var direct in appointments.Where(a => a["slot"] is null))
            Assert.DoesNotContain(bookings, b => Interval(direct).Start < b.End && b.Start < Interval(direct).End);
    }

    private static (DateTimeOffset Start, DateTimeOffset End, string Id) Interval(JsonNode appointment) =>
        (DateTimeOffset.Parse((string)appointment["start"]!), DateTimeOffset.Parse((string)appointment["end"]!), (string)appointment["id"]!);

    private static void AssertNoOverlap(List<(DateTimeOffset Start, DateTimeOffset End, string Id)> intervals, string what)
    {
        var ordered = intervals.OrderBy(i => i.Start).ToList();
        for (var i = 1; i < ordered.Count; i++)
            Assert.True(ordered[i - 1].End <= ordered[i].Start, $"{what}: {ordered[i - 1].Id} and {ordered[i].Id} overlap");
    }
}
