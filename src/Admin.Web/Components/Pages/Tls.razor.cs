using MailHost.Admin.Web.Backend;
using MailHost.Admin.Web.Components.Shared;
using MailHost.Shared.Entities;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace MailHost.Admin.Web.Components.Pages;

public partial class Tls
{
    [Inject] private ICertificateChangeCheck CertificateChanges { get; set; } = default!;

    /// <summary>
    /// The change tried on a copy of the certificate list: when the certificate served for our host name would no
    /// longer match the TLSA records live in the DNS, the admin confirms first (DANE senders would hold our mail).
    /// </summary>
    private async Task<bool> TlsaConfirmedAsync(Action<List<Certificate>> change)
    {
        var after = _certificates.Select(Copy).ToList();
        change(after);
        string? warning;
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            warning = await CertificateChanges.TlsaWarningAsync(_certificates, after, timeout.Token);
        }
        return await TlsaChangeDialog.ConfirmAsync(Dialogs, warning);
    }

    /// <summary>What <c>AddCertificateAsync</c> saves, on the copy: the first certificate, or one marked so, becomes the default.</summary>
    private static void AddRow(List<Certificate> rows, Certificate row, bool makeDefault)
    {
        var added = Copy(row);
        added.IsDefault = makeDefault || rows.Count == 0;
        if (added.IsDefault)
        {
            rows.ForEach(c => c.IsDefault = false);
        }
        rows.Add(added);
    }

    private static Certificate Copy(Certificate c) => new()
    {
        Id = c.Id,
        Name = c.Name,
        FilePath = c.FilePath,
        HostNames = c.HostNames,
        Thumbprint = c.Thumbprint,
        KeyAlgorithm = c.KeyAlgorithm,
        NotAfterUtc = c.NotAfterUtc,
        IsDefault = c.IsDefault,
    };

    private async Task OnFileAsync(InputFileChangeEventArgs e)
    {
        ClearMessages();
        try
        {
            await using var stream = e.File.OpenReadStream(maxAllowedSize: 1024 * 1024);
            using var memory = new MemoryStream();
            await stream.CopyToAsync(memory);
            _uploadBytes = memory.ToArray();
            if (_uploadName.Length == 0)
            {
                _uploadName = Path.GetFileNameWithoutExtension(e.File.Name);
            }
        }
        catch (IOException ex)
        {
            Failure = "Could not read the file: " + ex.Message;
        }
    }
}
