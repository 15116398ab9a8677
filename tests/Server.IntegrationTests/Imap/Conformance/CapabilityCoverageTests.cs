using System.Reflection;
using System.Text;
using MailHost.Server.IntegrationTests.Infrastructure;

namespace MailHost.Server.IntegrationTests.Imap.Conformance;

/// <summary>
/// Every capability MailHost's IMAP advertises, before and after login, on the STARTTLS and the
/// implicit-TLS listener, is exercised by a named test (issue 12). Advertising a new capability
/// without adding it to <see cref="Coverage"/> fails here; so does naming a test that does not exist.
/// </summary>
[Collection("imap-conformance")]
public sealed class CapabilityCoverageTests(ConformanceFixture fixture)
{
    /// <summary>capability (without "=value" for APPENDLIMIT) → test methods that use it.</summary>
    private static readonly Dictionary<string, string[]> Coverage = new(StringComparer.OrdinalIgnoreCase)
    {
        ["IMAP4rev1"] = ["Imaplib_StartTlsSession_AppendSearchFetchStoreExpunge"],
        ["IMAP4rev2"] = ["Rev2_EnableThenSearchAndNonPeekFetch_EsearchAndSeenSet"],
        ["STARTTLS"] = ["Imaplib_StartTlsSession_AppendSearchFetchStoreExpunge", "StartTls_WithPipelinedCommand_RefusedWithBad"],
        ["LOGINDISABLED"] = ["Capability_FromRangeRequiringTls_LoginDisabledUntilStartTls"],
        ["AUTH=PLAIN"] = [nameof(AuthenticatePlain_WithInitialResponse_SaslIr)],
        ["SASL-IR"] = [nameof(AuthenticatePlain_WithInitialResponse_SaslIr)],
        ["AUTH=SCRAM-SHA-256"] = ["Imap_GsaslWithOwnAuthzid_Authenticates_OtherAuthzidRefused"],
        ["LITERAL+"] = [nameof(LiteralPlus_NonSynchronizingLiteral_NoContinuation), "RandomAppendStoreFetchExpunge_SixSessions_EveryFetchReturnsAppendedBytesOrNo"],
        ["ENABLE"] = ["Rev2_EnableThenSearchAndNonPeekFetch_EsearchAndSeenSet", "Transcript_EnableSelectVanishedAndChangedSince"],
        ["IDLE"] = ["Idle_MessageSpooledForLocalDelivery_PushedWithinOneSecond"],
        ["NAMESPACE"] = ["Imaplib_IdArgumentsChecked_UnselectNamespace"],
        ["UIDPLUS"] = ["CopyMove_UidPlusCodes_AndMessagesArrive"],
        ["MOVE"] = ["CopyMove_UidPlusCodes_AndMessagesArrive", "UidMove_IntoSameMailbox_NewUidExpungeAndExists"],
        ["UNSELECT"] = ["Imaplib_IdArgumentsChecked_UnselectNamespace"],
        ["CHILDREN"] = ["Imaplib_ImplicitTls_ListShowsSpecialUseFoldersAndCreatedFolder"],
        ["LIST-EXTENDED"] = ["List_UnknownSelectionOrReturnOption_IsBad", "ListRecursiveMatch_SubscribedChild_ChildInfo_AndLsubNoselectParent"],
        ["SPECIAL-USE"] = ["Imaplib_ImplicitTls_ListShowsSpecialUseFoldersAndCreatedFolder"],
        ["ESEARCH"] = ["Rev2_EnableThenSearchAndNonPeekFetch_EsearchAndSeenSet"],
        ["ID"] = ["Imaplib_IdArgumentsChecked_UnselectNamespace"],
        ["BINARY"] = ["Binary_AdvertisedAndUnknownEncodingRefused"],
        ["MULTIAPPEND"] = ["Imaplib_MultiAppend_AllMessagesOneAppendUidSet"],
        ["LIST-STATUS"] = ["Imaplib_ListStatusAndCreateSpecialUse"],
        ["CREATE-SPECIAL-USE"] = ["Imaplib_ListStatusAndCreateSpecialUse"],
        ["APPENDLIMIT"] = ["Imaplib_AppendLimitAdvertisedAndEnforced"],
        ["QUOTA"] = ["Imaplib_QuotaRootReportsStorageAndOverQuota"],
        ["QUOTA=RES-STORAGE"] = ["Imaplib_QuotaRootReportsStorageAndOverQuota"],
        ["CONDSTORE"] = ["Imaplib_CondStore_ChangedSinceUnchangedSinceAndSearchModSeq"],
        ["SORT"] = ["Imaplib_Sort_EveryKeyReverseAndSecondaryKeys"],
        ["SORT=DISPLAY"] = ["Imaplib_Sort_EveryKeyReverseAndSecondaryKeys"],
        ["ESORT"] = ["Imaplib_Esort_ReturnOptionsInSortOrder_AndErrors"],
        ["THREAD=ORDEREDSUBJECT"] = ["Imaplib_Thread_ReferencesAndOrderedSubject"],
        ["THREAD=REFERENCES"] = ["Imaplib_Thread_ReferencesAndOrderedSubject"],
        ["QRESYNC"] = ["Transcript_EnableSelectVanishedAndChangedSince", "Imapflow_QresyncResyncAfterChangesByAnotherClient"],
        ["SAVEDATE"] = ["Imaplib_SaveDate_FetchAfterAppendCopyMove_SearchKeys_NilForRowsWithoutOne"],
        ["OBJECTID"] = ["Imaplib_ObjectId_MailboxIdStableAcrossRename_EmailIdKeptByCopyMove_ThreadIdFromRoot_Search", "Imapflow_ObjectId_MailboxIdOnCreateAndOpen_EmailIdAndThreadIdFetchedAndSearched"],
        ["NOTIFY"] = ["Notify_TwoSessions_StatusFetchListAndExpungePushedBetweenCommands", "Notify_InvalidOrUnsupportedEvents_BadOrNoBadEvent",
            "Notify_SelectedDelayed_ExpungeWaitsForNoop_IdleGetsEveryEvent", "Notify_ClientThatNeverReads_OverflowThenNone_ServerMemoryBounded"],
        ["COMPRESS=DEFLATE"] = ["PythonZlib_CompressDeflate_BothWaysLargeFetchAndBombHitsLineLimit", "Imapflow_QresyncResyncAfterChangesByAnotherClient"],
    };

    private static IEnumerable<string> CapsIn(IEnumerable<string> lines) =>
        lines.Where(l => l.StartsWith("* CAPABILITY ", StringComparison.Ordinal) || l.Contains("[CAPABILITY ", StringComparison.Ordinal))
            .SelectMany(l => (l.StartsWith("* CAPABILITY ", StringComparison.Ordinal) ? l[13..] : l[(l.IndexOf("[CAPABILITY ", StringComparison.Ordinal) + 12)..l.IndexOf(']', StringComparison.Ordinal)]).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(c => c.StartsWith("APPENDLIMIT=", StringComparison.OrdinalIgnoreCase) ? "APPENDLIMIT" : c);

    [Fact]
    public async Task EveryAdvertisedCapability_HasATestThatExists()
    {
        var advertised = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using (var plain = await LineClient.ConnectAsync(fixture.Port("imap")))
        {
            advertised.UnionWith(CapsIn([await plain.ReadLineAsync() ?? ""]));
            advertised.UnionWith(CapsIn(await plain.CommandAsync("c", "CAPABILITY")));
        }
        await using (var tls = await LineClient.ConnectAsync(fixture.Port("imaps")))
        {
            await tls.UpgradeToTlsAsync();
            advertised.UnionWith(CapsIn([await tls.ReadLineAsync() ?? ""]));
            advertised.UnionWith(CapsIn(await tls.CommandAsync("c", "CAPABILITY")));
            advertised.UnionWith(CapsIn(await tls.CommandAsync("l", $"LOGIN {fixture.NewAccount()} pw")));
            advertised.UnionWith(CapsIn(await tls.CommandAsync("c2", "CAPABILITY")));
        }
        Assert.Contains("COMPRESS=DEFLATE", advertised); // post-login capabilities were read
        var missing = advertised.Where(c => !Coverage.ContainsKey(c)).ToList();
        Assert.True(missing.Count == 0, "advertised without a test in Coverage: " + string.Join(' ', missing));

        var tests = typeof(CapabilityCoverageTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttributes<FactAttribute>().Any())
            .Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var unknown = Coverage.SelectMany(e => e.Value.Where(n => !tests.Contains(n)).Select(n => $"{e.Key}: {n}")).ToList();
        Assert.True(unknown.Count == 0, "Coverage names tests that do not exist: " + string.Join(", ", unknown));
    }

    [Fact]
    public async Task AuthenticatePlain_WithInitialResponse_SaslIr()
    {
        var user = fixture.NewAccount();
        await using var c = await LineClient.ConnectAsync(fixture.Port("imaps"));
        await c.UpgradeToTlsAsync();
        await c.ReadLineAsync();
        var initial = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0pw"));
        // RFC 4959: the initial response on the command line, no empty "+" round trip.
        var reply = await c.CommandAsync("a", $"AUTHENTICATE PLAIN {initial}");
        Assert.Single(reply);
        Assert.StartsWith("a OK", reply[0]);
        Assert.StartsWith("b NO", (await c.CommandAsync("b", "SELECT NoSuchBox"))[^1]);
    }

    [Fact]
    public async Task LiteralPlus_NonSynchronizingLiteral_NoContinuation()
    {
        var user = fixture.NewAccount();
        await using var c = await fixture.OpenAsync(user);
        const string message = "Subject: literal plus\r\n\r\nbody\r\n";
        // RFC 7888: {n+} — the client sends the literal at once, the server sends no "+".
        await c.SendAsync($"a APPEND INBOX {{{message.Length}+}}\r\n{message}\r\n");
        var reply = await c.UntilTaggedAsync("a");
        Assert.DoesNotContain(reply, l => l.StartsWith('+'));
        Assert.StartsWith("a OK [APPENDUID", reply[^1]);
        await c.CommandAsync("s", "SELECT INBOX");
        Assert.Contains(await c.CommandAsync("f", "FETCH 1 BODY.PEEK[HEADER.FIELDS (Subject)]"), l => l.Contains("literal plus", StringComparison.Ordinal));
    }
}
