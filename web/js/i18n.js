// English and French strings, the language choice (browser language, then the user's pick,
// remembered in localStorage) and t(key, params) with {name} placeholders.

export const STRINGS = {
  en: {
    'app.skip': 'Skip to content',
    'app.language': 'Language',
    'app.signout': 'Sign out',
    'app.loading': 'Loading…',
    'app.close': 'Close',
    'app.cancel': 'Cancel',
    'app.retry': 'Try again',
    'app.back': 'Back',

    'home.title': 'Find every photo of you',
    'home.lead': 'Enter the code of your event, take a selfie, and see every photo you appear in.',
    'home.code': 'Event code',
    'home.code.hint': 'Six letters and digits, e.g. K7QX9P. It is on the event poster or link.',
    'home.go': 'Find my photos',
    'home.organizer': 'Organizing an event?',
    'home.organizer.link': 'Sign in as an organizer',

    'form.name': 'Your name',
    'form.email': 'Email',
    'form.password': 'Password',
    'form.password.hint': 'At least 10 characters.',
    'form.required': 'Please fill in this field.',

    'event.notfound': 'There is no event with the code {code}. Check the code and try again.',
    'event.photos': '{count} photos so far',
    'event.register.title': 'Join this event',
    'event.register.lead': 'Create an account to see the photos you are in.',
    'event.consent.title': 'About your face data',
    'event.consent.text':
      'To find you, findme turns the faces in your selfie and in the event’s photos into numbers (a face template). This is biometric data. It is processed only on the organizer’s server, never sent to anyone else, and used only to show you your photos. findme keeps your selfie, its face template and the list of photos you are in until you delete them: “Delete my data” on your photos page erases all of it at once.',
    'event.consent.label': 'I agree that findme processes my face to find my photos.',
    'event.consent.required':
      'Please tick the box to agree: without it findme cannot look for you.',
    'event.register': 'Create my account',
    'event.have.account': 'Already have an account?',
    'event.login.title': 'Sign in',
    'event.login': 'Sign in',
    'event.new.account': 'New here? Create an account',
    'event.organizer.signed.in':
      'You are signed in as an organizer. Sign out to join this event as a guest.',

    'selfie.title': 'Take a selfie',
    'selfie.lead':
      'Look at the camera in good light, without sunglasses. Only your face is needed.',
    'selfie.camera': 'Use my camera',
    'selfie.file': 'Choose a photo',
    'selfie.capture': 'Take the photo',
    'selfie.camera.denied': 'The camera is not available. You can choose a photo instead.',
    'selfie.preview': 'Your selfie',
    'selfie.use': 'Use this photo',
    'selfie.again': 'Choose another',
    'selfie.uploading': 'Sending your selfie…',
    'selfie.matching': 'Looking for you in the event’s photos…',
    'selfie.matching.hint': 'This usually takes a few seconds.',
    'selfie.more.title': 'Add another selfie',
    'selfie.more.lead':
      'Another selfie, from a slightly different angle or in other light, finds more of your photos: your selfies are used together. Only your face is needed.',

    'gallery.title': 'Your photos',
    'gallery.count': '{count} photos of you',
    'gallery.count.one': '1 photo of you',
    'gallery.empty':
      'No photos of you yet. New photos are checked as the organizer adds them: this page updates by itself.',
    'gallery.pending': 'Still looking…',
    'gallery.zip': 'Download all (ZIP)',
    'gallery.newselfie': 'Add a selfie',
    'gallery.delete': 'Delete my data',
    'gallery.open': 'Open photo {n}',
    'gallery.new': '{count} new photos',

    'viewer.title': 'Photo {n} of {total}',
    'viewer.prev': 'Previous photo',
    'viewer.next': 'Next photo',
    'viewer.download': 'Download original',
    'candidates.title': 'Is this you?',
    'candidates.lead':
      'We are not sure these {count} faces are you. Say yes and the photo joins your photos; say no and it will not be shown again.',
    'candidates.lead.one':
      'We are not sure this face is you. Say yes and the photo joins your photos; say no and it will not be shown again.',
    'candidates.face': 'Face {n} to check',
    'candidates.yes': 'Yes, it’s me',
    'candidates.no': 'No',
    'candidates.yes.label': 'Yes, face {n} is me',
    'candidates.no.label': 'No, face {n} is not me',
    'candidates.yes.done': 'Added to your photos.',
    'candidates.no.done': 'Hidden. It will not be asked again.',
    'viewer.notme': 'This isn’t me',
    'viewer.notme.done': 'Hidden. It will not appear again.',

    'delete.title': 'Delete all your data?',
    'delete.text':
      'Your account, your selfies, your face data and your matches will be erased for good. This cannot be undone.',
    'delete.confirm': 'Yes, delete everything',
    'delete.done': 'Your data has been deleted. Thank you for using findme.',

    'org.title': 'Organizer',
    'org.signup.title': 'Create an organizer account',
    'org.signup': 'Create account',
    'org.login.title': 'Sign in',
    'org.login': 'Sign in',
    'org.switch.login': 'I already have an account',
    'org.switch.signup': 'Create an account instead',
    'org.events': 'Your events',
    'org.events.empty': 'No events yet. Create your first one below.',
    'org.create.title': 'Create an event',
    'org.create.name': 'Event name',
    'org.create.date': 'Date (optional)',
    'org.create': 'Create event',
    'org.event.photos': '{count} photos',
    'org.attendee.signed.in': 'You are signed in as a guest. Sign out to use an organizer account.',

    'keys.nav': 'API access',
    'keys.title': 'API access',
    'keys.lead':
      'Access keys let your own programs use findme’s face search through an API compatible with Amazon Rekognition: the AWS SDKs (such as boto3 for Python) and the AWS CLI work with it once pointed at this server’s address, {endpoint}. A program signs its requests with a key’s ID and secret, and works on face collections that belong to your account, separate from your events. Keep the secret like a password, and revoke a key as soon as it is no longer needed. You can have up to {max} keys.',
    'keys.list': 'Your access keys',
    'keys.empty': 'No access keys yet.',
    'keys.created': 'Created: {when}',
    'keys.used': 'Last used: {when}',
    'keys.never': 'never',
    'keys.readonly.badge': 'Read-only',
    'keys.full': 'Full access',
    'keys.revoke': 'Revoke',
    'keys.revoke.label': 'Revoke key {id}',
    'keys.revoke.title': 'Revoke key {id}?',
    'keys.revoke.text':
      'Programs that use this key will be refused from now on. This cannot be undone.',
    'keys.revoke.confirm': 'Revoke the key',
    'keys.revoked': 'Key {id} revoked.',
    'keys.create.title': 'Create a key',
    'keys.readonly': 'Read-only (search only)',
    'keys.readonly.hint':
      'A read-only key can list and describe collections and search, detect and compare faces, but cannot create or delete collections, nor add or delete faces.',
    'keys.create': 'Create key',
    'keys.limit':
      'You already have {max} keys, the most allowed. Revoke one you no longer use, then create the new one.',
    'keys.new.title': 'Your new access key',
    'keys.new.warning':
      'Copy the secret access key now and keep it somewhere safe: findme will not show it again. If you lose it, revoke this key and create another.',
    'keys.id': 'Access key ID',
    'keys.secret': 'Secret access key',
    'keys.copy.id': 'Copy ID',
    'keys.copy.secret': 'Copy secret',
    'keys.copy.boto': 'Copy the Python code',
    'keys.copy.cli': 'Copy the commands',
    'keys.copied': 'Copied.',
    'keys.copy.manual': 'The text is selected: copy it with Ctrl+C (⌘C on a Mac).',
    'keys.snippet.hint':
      'Ready to paste: this server’s address and the new key are filled in. findme accepts any region name.',
    'keys.boto': 'Python (boto3)',
    'keys.cli': 'AWS CLI (shell)',
    'keys.dismiss': 'I have saved the secret',

    'dash.share': 'Share with your guests',
    'dash.code': 'Event code',
    'dash.link': 'Link',
    'dash.copy': 'Copy link',
    'dash.copied': 'Link copied',
    'dash.qr': 'QR code for {link}',
    'dash.upload': 'Add photos',
    'dash.drop': 'Drop photos here or',
    'dash.pick': 'choose files',
    'dash.drop.hint': 'JPEG, PNG, WebP or HEIC, up to {mb} MB each. You can add hundreds at once.',
    'dash.progress': '{done} of {total} uploaded',
    'dash.failed.count': '{count} failed',
    'dash.retry.all': 'Retry failed',
    'dash.file.waiting': 'Waiting',
    'dash.file.sending': 'Sending',
    'dash.file.done': 'Uploaded',
    'dash.file.duplicate': 'Already uploaded',
    'dash.file.retrying': 'Not sent yet (busy or offline): trying again in {seconds} s',
    'busy.retrying': 'The server is busy or out of reach: trying again in {seconds} s…',
    'dash.stats': 'Live status',
    'dash.stat.total': 'Photos',
    'dash.stat.queued': 'Queued',
    'dash.stat.indexed': 'Indexed',
    'dash.stat.failed': 'Failed',
    'dash.stat.faces': 'Faces found',
    'dash.stat.attendees': 'Guests',
    'dash.stat.matched': 'Guests with photos',
    'dash.stat.matches': 'Matches',
    'dash.grid': 'Photos',
    'dash.grid.empty': 'No photos yet.',
    'dash.grid.more': 'Show more',
    'dash.faces': '{count} faces',
    'dash.faces.one': '1 face',
    'dash.status.queued': 'Queued',
    'dash.status.failed': 'Failed',
    'dash.delete': 'Delete this event',
    'dash.delete.title': 'Delete “{name}”?',
    'dash.delete.text':
      'All its photos, faces, matches and guest memberships will be erased. This cannot be undone.',
    'dash.delete.confirm': 'Delete the event',

    'error.network': 'Could not reach findme. Check your connection and try again.',
    'error.no_face_found':
      'No face was found in this photo. Take a selfie facing the camera, in good light, and try again.',
    'error.invalid_image':
      'This image could not be read (it may be damaged or too large in pixels). Try another photo.',
    'error.payload_too_large': 'This file is too large. Try a smaller photo.',
    'error.unsupported_media_type':
      'This file is not a photo findme can read. Use JPEG, PNG, WebP or HEIC.',
    'error.invalid_event_code': 'There is no event with this code. Check the code and try again.',
    'error.email_taken':
      'This email already has an account with a different password. Sign in, or use another email.',
    'error.unauthorized': 'Your session has ended. Please sign in again.',
    'error.forbidden': 'You are not allowed to do this with this account.',
    'error.not_found': 'This was not found. It may have been deleted.',
    'error.too_many_attempts': 'Too many failed sign-ins. Wait 15 minutes and try again.',
    'error.busy': 'findme is very busy right now. Try again in a minute.',
    'error.internal': 'Something went wrong on the server. Try again later.',
    'error.unavailable': 'findme is temporarily unavailable. Try again later.',
    'error.invalid_request': 'Please check the form: {detail}',
    'error.login': 'The email or password is wrong.',
  },
  fr: {
    'app.skip': 'Aller au contenu',
    'app.language': 'Langue',
    'app.signout': 'Se déconnecter',
    'app.loading': 'Chargement…',
    'app.close': 'Fermer',
    'app.cancel': 'Annuler',
    'app.retry': 'Réessayer',
    'app.back': 'Retour',

    'home.title': 'Retrouvez toutes vos photos',
    'home.lead':
      'Saisissez le code de votre événement, prenez un selfie et voyez toutes les photos où vous apparaissez.',
    'home.code': 'Code de l’événement',
    'home.code.hint':
      'Six lettres et chiffres, par ex. K7QX9P. Il figure sur l’affiche ou le lien de l’événement.',
    'home.go': 'Trouver mes photos',
    'home.organizer': 'Vous organisez un événement ?',
    'home.organizer.link': 'Connexion organisateur',

    'form.name': 'Votre nom',
    'form.email': 'E-mail',
    'form.password': 'Mot de passe',
    'form.password.hint': 'Au moins 10 caractères.',
    'form.required': 'Veuillez remplir ce champ.',

    'event.notfound': 'Aucun événement n’a le code {code}. Vérifiez le code et réessayez.',
    'event.photos': '{count} photos pour l’instant',
    'event.register.title': 'Rejoindre cet événement',
    'event.register.lead': 'Créez un compte pour voir les photos où vous figurez.',
    'event.consent.title': 'À propos des données de votre visage',
    'event.consent.text':
      'Pour vous retrouver, findme transforme les visages de votre selfie et des photos de l’événement en nombres (un gabarit de visage). Ce sont des données biométriques. Elles sont traitées uniquement sur le serveur de l’organisateur, ne sont transmises à personne et servent seulement à vous montrer vos photos. findme conserve votre selfie, son gabarit et la liste de vos photos jusqu’à ce que vous les supprimiez : « Supprimer mes données », sur la page de vos photos, efface tout en une fois.',
    'event.consent.label': 'J’accepte que findme analyse mon visage pour retrouver mes photos.',
    'event.consent.required':
      'Cochez la case pour donner votre accord : sans lui, findme ne peut pas vous chercher.',
    'event.register': 'Créer mon compte',
    'event.have.account': 'Vous avez déjà un compte ?',
    'event.login.title': 'Se connecter',
    'event.login': 'Se connecter',
    'event.new.account': 'Nouveau ? Créer un compte',
    'event.organizer.signed.in':
      'Vous êtes connecté en tant qu’organisateur. Déconnectez-vous pour rejoindre cet événement en tant qu’invité.',

    'selfie.title': 'Prenez un selfie',
    'selfie.lead':
      'Regardez l’objectif, avec une bonne lumière et sans lunettes de soleil. Seul votre visage est nécessaire.',
    'selfie.camera': 'Utiliser ma caméra',
    'selfie.file': 'Choisir une photo',
    'selfie.capture': 'Prendre la photo',
    'selfie.camera.denied':
      'La caméra n’est pas disponible. Vous pouvez choisir une photo à la place.',
    'selfie.preview': 'Votre selfie',
    'selfie.use': 'Utiliser cette photo',
    'selfie.again': 'En choisir une autre',
    'selfie.uploading': 'Envoi de votre selfie…',
    'selfie.matching': 'Recherche de vous dans les photos de l’événement…',
    'selfie.matching.hint': 'Cela prend généralement quelques secondes.',
    'selfie.more.title': 'Ajouter un selfie',
    'selfie.more.lead':
      'Un autre selfie, sous un angle un peu différent ou avec une autre lumière, retrouve davantage de vos photos : vos selfies sont utilisés ensemble. Seul votre visage est nécessaire.',

    'gallery.title': 'Vos photos',
    'gallery.count': '{count} photos de vous',
    'gallery.count.one': '1 photo de vous',
    'gallery.empty':
      'Pas encore de photo de vous. Les nouvelles photos sont vérifiées dès que l’organisateur les ajoute : cette page se met à jour toute seule.',
    'gallery.pending': 'Recherche en cours…',
    'gallery.zip': 'Tout télécharger (ZIP)',
    'gallery.newselfie': 'Ajouter un selfie',
    'gallery.delete': 'Supprimer mes données',
    'gallery.open': 'Ouvrir la photo {n}',
    'gallery.new': '{count} nouvelles photos',

    'viewer.title': 'Photo {n} sur {total}',
    'viewer.prev': 'Photo précédente',
    'viewer.next': 'Photo suivante',
    'viewer.download': 'Télécharger l’original',
    'candidates.title': 'Est-ce vous ?',
    'candidates.lead':
      'Nous ne sommes pas sûrs que ces {count} visages soient le vôtre. Répondez oui et la photo rejoint vos photos ; répondez non et elle ne sera plus proposée.',
    'candidates.lead.one':
      'Nous ne sommes pas sûrs que ce visage soit le vôtre. Répondez oui et la photo rejoint vos photos ; répondez non et elle ne sera plus proposée.',
    'candidates.face': 'Visage {n} à vérifier',
    'candidates.yes': 'Oui, c’est moi',
    'candidates.no': 'Non',
    'candidates.yes.label': 'Oui, le visage {n} est le mien',
    'candidates.no.label': 'Non, le visage {n} n’est pas le mien',
    'candidates.yes.done': 'Ajoutée à vos photos.',
    'candidates.no.done': 'Masqué. Il ne sera plus proposé.',
    'viewer.notme': 'Ce n’est pas moi',
    'viewer.notme.done': 'Masquée. Elle n’apparaîtra plus.',

    'delete.title': 'Supprimer toutes vos données ?',
    'delete.text':
      'Votre compte, vos selfies, les données de votre visage et vos correspondances seront définitivement effacés. Cette action est irréversible.',
    'delete.confirm': 'Oui, tout supprimer',
    'delete.done': 'Vos données ont été supprimées. Merci d’avoir utilisé findme.',

    'org.title': 'Organisateur',
    'org.signup.title': 'Créer un compte organisateur',
    'org.signup': 'Créer le compte',
    'org.login.title': 'Se connecter',
    'org.login': 'Se connecter',
    'org.switch.login': 'J’ai déjà un compte',
    'org.switch.signup': 'Créer un compte',
    'org.events': 'Vos événements',
    'org.events.empty': 'Aucun événement pour l’instant. Créez le premier ci-dessous.',
    'org.create.title': 'Créer un événement',
    'org.create.name': 'Nom de l’événement',
    'org.create.date': 'Date (facultatif)',
    'org.create': 'Créer l’événement',
    'org.event.photos': '{count} photos',
    'org.attendee.signed.in':
      'Vous êtes connecté en tant qu’invité. Déconnectez-vous pour utiliser un compte organisateur.',

    'keys.nav': 'Accès API',
    'keys.title': 'Accès API',
    'keys.lead':
      'Les clés d’accès permettent à vos propres programmes d’utiliser la recherche de visages de findme via une API compatible avec Amazon Rekognition : les SDK AWS (comme boto3 pour Python) et l’AWS CLI fonctionnent avec elle une fois dirigés vers l’adresse de ce serveur, {endpoint}. Un programme signe ses requêtes avec l’identifiant et le secret d’une clé, et travaille sur des collections de visages propres à votre compte, distinctes de vos événements. Gardez le secret comme un mot de passe et révoquez une clé dès qu’elle ne sert plus. Vous pouvez avoir jusqu’à {max} clés.',
    'keys.list': 'Vos clés d’accès',
    'keys.empty': 'Aucune clé d’accès pour l’instant.',
    'keys.created': 'Créée : {when}',
    'keys.used': 'Dernière utilisation : {when}',
    'keys.never': 'jamais',
    'keys.readonly.badge': 'Lecture seule',
    'keys.full': 'Accès complet',
    'keys.revoke': 'Révoquer',
    'keys.revoke.label': 'Révoquer la clé {id}',
    'keys.revoke.title': 'Révoquer la clé {id} ?',
    'keys.revoke.text':
      'Les programmes qui utilisent cette clé seront refusés dès maintenant. Cette action est irréversible.',
    'keys.revoke.confirm': 'Révoquer la clé',
    'keys.revoked': 'Clé {id} révoquée.',
    'keys.create.title': 'Créer une clé',
    'keys.readonly': 'Lecture seule (recherche uniquement)',
    'keys.readonly.hint':
      'Une clé en lecture seule peut lister et décrire les collections, et rechercher, détecter et comparer des visages, mais ne peut ni créer ni supprimer de collection, ni ajouter ou supprimer de visages.',
    'keys.create': 'Créer la clé',
    'keys.limit':
      'Vous avez déjà {max} clés, le maximum. Révoquez-en une qui ne sert plus, puis créez la nouvelle.',
    'keys.new.title': 'Votre nouvelle clé d’accès',
    'keys.new.warning':
      'Copiez la clé secrète maintenant et conservez-la en lieu sûr : findme ne l’affichera plus. Si vous la perdez, révoquez cette clé et créez-en une autre.',
    'keys.id': 'Identifiant de la clé (access key ID)',
    'keys.secret': 'Clé secrète (secret access key)',
    'keys.copy.id': 'Copier l’identifiant',
    'keys.copy.secret': 'Copier la clé secrète',
    'keys.copy.boto': 'Copier le code Python',
    'keys.copy.cli': 'Copier les commandes',
    'keys.copied': 'Copié.',
    'keys.copy.manual': 'Le texte est sélectionné : copiez-le avec Ctrl+C (⌘C sur Mac).',
    'keys.snippet.hint':
      'Prêt à coller : l’adresse de ce serveur et la nouvelle clé sont déjà remplies. findme accepte n’importe quel nom de région.',
    'keys.boto': 'Python (boto3)',
    'keys.cli': 'AWS CLI (shell)',
    'keys.dismiss': 'J’ai enregistré la clé secrète',

    'dash.share': 'Partagez avec vos invités',
    'dash.code': 'Code de l’événement',
    'dash.link': 'Lien',
    'dash.copy': 'Copier le lien',
    'dash.copied': 'Lien copié',
    'dash.qr': 'QR code pour {link}',
    'dash.upload': 'Ajouter des photos',
    'dash.drop': 'Déposez des photos ici ou',
    'dash.pick': 'choisissez des fichiers',
    'dash.drop.hint':
      'JPEG, PNG, WebP ou HEIC, jusqu’à {mb} Mo chacune. Vous pouvez en ajouter des centaines d’un coup.',
    'dash.progress': '{done} sur {total} envoyées',
    'dash.failed.count': '{count} en échec',
    'dash.retry.all': 'Réessayer les échecs',
    'dash.file.waiting': 'En attente',
    'dash.file.sending': 'Envoi',
    'dash.file.done': 'Envoyée',
    'dash.file.duplicate': 'Déjà envoyée',
    'dash.file.retrying':
      'Pas encore envoyée (serveur occupé ou hors ligne) : nouvel essai dans {seconds} s',
    'busy.retrying': 'Le serveur est occupé ou injoignable : nouvel essai dans {seconds} s…',
    'dash.stats': 'État en direct',
    'dash.stat.total': 'Photos',
    'dash.stat.queued': 'En attente',
    'dash.stat.indexed': 'Analysées',
    'dash.stat.failed': 'En échec',
    'dash.stat.faces': 'Visages trouvés',
    'dash.stat.attendees': 'Invités',
    'dash.stat.matched': 'Invités avec photos',
    'dash.stat.matches': 'Correspondances',
    'dash.grid': 'Photos',
    'dash.grid.empty': 'Pas encore de photos.',
    'dash.grid.more': 'Afficher plus',
    'dash.faces': '{count} visages',
    'dash.faces.one': '1 visage',
    'dash.status.queued': 'En attente',
    'dash.status.failed': 'En échec',
    'dash.delete': 'Supprimer cet événement',
    'dash.delete.title': 'Supprimer « {name} » ?',
    'dash.delete.text':
      'Toutes ses photos, visages, correspondances et inscriptions d’invités seront effacés. Cette action est irréversible.',
    'dash.delete.confirm': 'Supprimer l’événement',

    'error.network': 'Impossible de joindre findme. Vérifiez votre connexion et réessayez.',
    'error.no_face_found':
      'Aucun visage n’a été trouvé sur cette photo. Prenez un selfie face à l’objectif, avec une bonne lumière, et réessayez.',
    'error.invalid_image':
      'Cette image n’a pas pu être lue (elle est peut-être abîmée ou trop grande en pixels). Essayez une autre photo.',
    'error.payload_too_large': 'Ce fichier est trop volumineux. Essayez une photo plus petite.',
    'error.unsupported_media_type':
      'Ce fichier n’est pas une photo que findme sait lire. Utilisez JPEG, PNG, WebP ou HEIC.',
    'error.invalid_event_code': 'Aucun événement n’a ce code. Vérifiez le code et réessayez.',
    'error.email_taken':
      'Cet e-mail a déjà un compte avec un autre mot de passe. Connectez-vous ou utilisez un autre e-mail.',
    'error.unauthorized': 'Votre session a expiré. Veuillez vous reconnecter.',
    'error.forbidden': 'Ce compte ne permet pas de faire cela.',
    'error.not_found': 'Introuvable. L’élément a peut-être été supprimé.',
    'error.too_many_attempts':
      'Trop de tentatives de connexion échouées. Attendez 15 minutes et réessayez.',
    'error.busy': 'findme est très sollicité en ce moment. Réessayez dans une minute.',
    'error.internal': 'Une erreur est survenue sur le serveur. Réessayez plus tard.',
    'error.unavailable': 'findme est momentanément indisponible. Réessayez plus tard.',
    'error.invalid_request': 'Vérifiez le formulaire : {detail}',
    'error.login': 'L’e-mail ou le mot de passe est incorrect.',
  },
};

export const LANGUAGES = Object.keys(STRINGS);
const STORAGE_KEY = 'findme.lang';

// The saved choice, else the browser's first language we have, else English.
function initialLanguage() {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved && STRINGS[saved]) return saved;
  for (const tag of navigator.languages || [navigator.language || 'en']) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (STRINGS[base]) return base;
  }
  return 'en';
}

let current = 'en'; // until initLanguage() (app boot) picks the user's

export function language() {
  return current;
}

// At boot: the saved or the browser's language, applied to the document.
export function initLanguage() {
  setLanguage(initialLanguage());
}

export function setLanguage(lang) {
  if (!STRINGS[lang]) return;
  current = lang;
  if (typeof localStorage !== 'undefined') localStorage.setItem(STORAGE_KEY, lang);
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

export function t(key, params = {}) {
  const text = STRINGS[current][key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

// "1 photo" / "3 photos": a key with ".one" for exactly one.
export function tCount(key, count) {
  return count === 1 && STRINGS.en[`${key}.one`] ? t(`${key}.one`, { count }) : t(key, { count });
}

export function formatNumber(n) {
  return new Intl.NumberFormat(current).format(n);
}
