global using System.Globalization;
global using MailHost.Shared.Entities;
global using MailHost.Shared.Snapshot;
